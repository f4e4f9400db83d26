"""Portuguese phrase bank for generated training messages (slots as in `en`)."""
# ruff: noqa: E501 -- one phrase a line reads better than wrapped strings

GREETINGS = ["Bom dia,", "Boa tarde,", "Olá,", "Exmos. Senhores,", ""]
CLOSINGS = ["Cumprimentos,", "Com os melhores cumprimentos,", "Obrigado,", "Obrigada,", ""]
FILLERS = [
    "Precisamos para fechar o mês.",
    "A nossa auditora detetou que faltam documentos.",
    "Mudámos de programa de contabilidade.",
    "",
]
SUBJECTS = {
    "invoice_copy": [
        "Pedido de 2ª via de fatura",
        "Fatura {inv}",
        "Fatura em falta",
        "2ª via faturas",
    ],
    "statement": ["Extrato de conta", "Pedido de extrato de conta corrente", "Extrato {month}"],
    "balance": ["Saldo em aberto", "Valor em dívida", "Saldo"],
    "payment_status": ["Comprovativo de pagamento", "Pagamento fatura {inv}", "Transferência"],
    "dispute": ["Reclamação fatura {inv}", "Erro na fatura {inv}", "Fatura duplicada"],
}
REQUESTS = {
    "invoice_copy": [
        "Agradecemos o envio da 2ª via da fatura {inv}.",
        "Podem reenviar a fatura {inv}? Não a encontro.",
        "Não recebemos a fatura {inv}. Podem enviar-nos uma cópia?",
        "Podem enviar-nos a 2ª via de todas as faturas emitidas em {month}?",
        "Precisamos de cópia das faturas {invs}.",
    ],
    "statement": [
        "Solicitamos o envio do extrato de conta corrente.",
        "Poderiam enviar-nos o extrato de conta referente ao mês de {month}?",
        "Podem enviar o extrato de conta desde o início do ano até à presente data?",
        "Agradecemos o envio do extrato de conta à data de {date}.",
    ],
    "balance": [
        "Podem informar-nos qual o saldo em aberto da nossa conta à data de hoje?",
        "Qual é o valor em dívida neste momento? E quanto está vencido?",
        "Quanto devemos atualmente?",
    ],
    "payment_status": [
        "Junto enviamos o comprovativo da transferência para liquidação das faturas {invs}.",
        "Já pagámos a fatura {inv}. Podem confirmar se já receberam?",
        "Agradecemos confirmação da receção do pagamento de {amount}.",
        "Já receberam o nosso pagamento da fatura {inv}? Fizemos a transferência na semana passada.",
        "Podem confirmar se o pagamento da fatura {inv} já foi registado?",
    ],
    "dispute": [
        "A fatura {inv} tem um preço errado. Solicitamos a emissão de uma nota de crédito.",
        "Foi faturado duas vezes o mesmo serviço: faturas {invs}.",
        "As quantidades da fatura {inv} não correspondem à guia de remessa.",
    ],
}
AUTO_REPLIES = [
    (
        "Resposta automática: {subject}",
        "Estou ausente do escritório até {date} com acesso limitado ao e-mail.",
    ),
    (
        "Resposta automática: {subject}",
        "Encontro-me de férias até {date}. Para assuntos urgentes contacte contabilidade@example.pt.",
    ),
    ("Ausência: {subject}", "Estarei ausente até {date}."),
    ("Não entregue: {subject}", "Não foi possível entregar a mensagem ao destinatário."),
]
OTHERS = [
    ("Alteração de dados bancários", "Informamos que os nossos dados bancários foram alterados."),
    ("Pedido de orçamento", "Podem enviar-nos um orçamento para 200 unidades?"),
    ("Registo de fornecedor", "Para registo como fornecedor precisamos da certidão de não dívida."),
    ("Novo endereço de faturação", "A partir de {date} enviem as faturas para faturas@example.pt."),
]
