"""French phrase bank for generated training messages (slots as in `en`)."""
# ruff: noqa: E501 -- one phrase a line reads better than wrapped strings

GREETINGS = ["Bonjour,", "Madame, Monsieur,", "Bonjour Madame, Monsieur,", "Bonjour à tous,", ""]
CLOSINGS = [
    "Cordialement,",
    "Bien cordialement,",
    "Merci d'avance.",
    "Bien à vous,",
    "Merci beaucoup et bonne journée,",
    "",
]
FILLERS = [
    "Nous préparons notre clôture mensuelle.",
    "Notre ancienne comptable est partie.",
    "Nous avons changé de logiciel comptable.",
    "C'est assez urgent.",
    "",
]
SUBJECTS = {
    "invoice_copy": [
        "Duplicata facture {inv}",
        "Facture manquante",
        "Factures du mois de {month}",
        "Demande de duplicata",
        "Facture {inv}",
    ],
    "statement": ["Demande de relevé de compte", "Relevé de compte", "Relevé {month}"],
    "balance": ["Solde de notre compte", "Situation de compte", "Montant dû"],
    "payment_status": ["Avis de virement", "Paiement facture {inv}", "Confirmation de règlement"],
    "dispute": [
        "Facture en double",
        "Contestation facture {inv}",
        "Erreur sur facture {inv}",
        "Remise non appliquée",
    ],
}
REQUESTS = {
    "invoice_copy": [
        "Pourriez-vous nous transmettre un duplicata de la facture n° {inv} ?",
        "Pouvez-vous me renvoyer la facture {inv} svp ? Je ne la retrouve pas.",
        "Nous n'avons pas reçu les factures {invs}. Pourriez-vous nous les adresser ?",
        "Serait-il possible de nous renvoyer l'ensemble des factures du mois de {month} ?",
        "Je n'ai pas reçu votre facture du mois dernier, pouvez-vous me la renvoyer ?",
        "Merci de nous envoyer une copie de la facture {inv}.",
        "Pourriez-vous nous renvoyer toutes les factures émises depuis le {date} ?",
        "Nous n'avons toujours pas reçu la facture {inv}, merci de me la renvoyer.",
    ],
    "statement": [
        "Pourriez-vous nous adresser un relevé de compte détaillé ?",
        "Merci de nous envoyer votre relevé de compte arrêté au {date}.",
        "Pouvez-vous m'envoyer un relevé de compte à jour ?",
        "Pourriez-vous nous adresser un relevé de compte pour le premier trimestre ?",
        "Merci de nous faire parvenir un relevé de compte depuis le 1er janvier.",
        "Pourriez-vous nous envoyer la liste des factures ouvertes sur notre compte ?",
    ],
    "balance": [
        "Pourriez-vous nous indiquer le solde actuel de notre compte ainsi que le montant échu ?",
        "Pouvez-vous me communiquer le montant total restant dû sur notre compte ?",
        "Quel est le montant de nos factures échues à ce jour ?",
        "Combien vous devons-nous actuellement ?",
        "Merci de nous confirmer le solde de notre compte client.",
    ],
    "payment_status": [
        "Nous avons effectué hier un virement de {amount} pour les factures {invs}. Pouvez-vous confirmer la bonne réception ?",
        "Nous vous informons que nous avons procédé ce jour au virement en règlement des factures suivantes : {invs}.",
        "Pouvez-vous vérifier si notre paiement de la facture {inv} a bien été reçu ?",
        "Le règlement de la facture {inv} a été envoyé le {date}. Merci de confirmer.",
        "Avez-vous bien reçu notre chèque de {amount} ?",
        "Avez-vous bien reçu notre paiement de la facture {inv} ? Le virement est parti la semaine dernière.",
        "Pouvez-vous vérifier si le règlement de la facture {inv} a bien été imputé ?",
    ],
    "dispute": [
        "Nous avons reçu deux fois la même facturation : factures {invs}. Merci d'annuler l'une des deux par un avoir.",
        "Sur la facture {inv}, la remise prévue n'a pas été appliquée. Pourriez-vous nous faire parvenir un avoir ?",
        "Le prix unitaire de la facture {inv} ne correspond pas à notre commande. Merci de la corriger.",
        "Nous contestons les frais de retard sur la facture {inv}.",
        "La quantité facturée sur {inv} est erronée. La facture est bloquée en attendant.",
    ],
}
AUTO_REPLIES = [
    (
        "Réponse automatique : {subject}",
        "Bonjour, je suis absent du bureau jusqu'au {date} inclus, sans accès à ma messagerie.",
    ),
    (
        "Réponse automatique : {subject}",
        "Je suis actuellement en congé et serai de retour le {date}. Votre message ne sera pas transféré.",
    ),
    (
        "Absence : {subject}",
        "Je suis absente jusqu'au {date}. Pour toute demande urgente, contactez le service comptabilité.",
    ),
    ("Non remis : {subject}", "Votre message n'a pas pu être remis au destinataire."),
    ("Lu : {subject}", "Votre message a été lu le {date}."),
    (
        "Accusé de réception",
        "Ceci est un message automatique. Nous avons bien reçu votre e-mail. Merci de ne pas répondre.",
    ),
]
OTHERS = [
    (
        "Changement de coordonnées bancaires",
        "Veuillez noter nos nouvelles coordonnées bancaires à compter du {date}.",
    ),
    (
        "Référencement fournisseur",
        "Merci de nous retourner la fiche fournisseur complétée et signée avec votre RIB.",
    ),
    (
        "Nouvelle adresse de facturation",
        "À partir du mois prochain, merci d'envoyer vos factures à factures@example.fr.",
    ),
    ("Demande de devis", "Pourriez-vous nous faire une offre pour 300 pièces ?"),
    (
        "Attestation URSSAF",
        "Merci de nous transmettre votre attestation de vigilance URSSAF à jour.",
    ),
    ("Invitation", "Nous avons le plaisir de vous inviter à notre journée fournisseurs."),
]
