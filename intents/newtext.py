"""The new text of a message: what the sender wrote this time.

Quoted history, forwarded chains, signatures, legal disclaimers and mobile footers are removed,
because references and requests in them are not what the sender asks for now.

mail-parser-reply was the first candidate, but it has no Portuguese headers, it reads a remittance
advice's own "From: payer / To: payee" lines as a quote header, and it cuts a body at the first
"Thanks,". The rules here are written for the seven languages we serve and for what AP mail looks
like; each is a small named regular expression.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from intents.attribution import is_attribution, is_header_block

_FLAGS = re.IGNORECASE | re.MULTILINE

#: How much of a body is read to find the new text. The sender's words come first; history quoted
#: beyond this is never read, so the work per message is bounded whatever its size.
MAX_BODY_CHARS = 100_000
#: The most new text understanding reads; a longer message is understood from its start.
MAX_NEW_TEXT_CHARS = 32_000
#: Forwards inside forwards are unwrapped this many levels deep, no more.
_MAX_UNWRAP = 4

# "-----Original Message-----" and its translations; also plain-text forward separators.
_SEPARATOR = re.compile(
    r"^[ \t>]*-{2,}\s*(?:original message|original-nachricht|ursprüngliche nachricht"
    r"|mensaje original|message d'origine|message original|oorspronkelijk bericht"
    r"|messaggio originale|mensagem original|original)\s*-{2,}\s*$",
    _FLAGS,
)
_FORWARD_MARKER = re.compile(
    r"^[ \t>]*(?:-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré"
    r"|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada)\s*-{2,}"
    r"|begin forwarded message:|début du message réexpédié\s*:|anfang der weitergeleiteten"
    r" nachricht:|inicio del mensaje reenviado:|begin doorgestuurd bericht:"
    r"|inizio messaggio inoltrato:|início da mensagem reencaminhada:)\s*$",
    _FLAGS,
)

# Attribution lines that start with a date word but name no date or address ("Am Montag schrieb
# Max:"); the shapes that do are read in intents.attribution.
_WROTE = re.compile(
    r"^[ \t>]*(?:on|am|le|el|op|il|em|a|den)\b.{3,200}?\b(?:wrote|schrieb|a écrit|escribió"
    r"|schreef|ha scritto|escreveu)(?:\s+\S+){0,4}\s*:\s*$",
    _FLAGS,
)
# Separators clients put above a quote ("-----Reply Message-----", "-----Antwort Nachricht-----").
_NAMED_SEPARATOR = re.compile(
    r"^[ \t*]*-{3,}\s*(?:reply|antwort|original|forwarded|weitergeleitete)[\w ]{0,30}-{3,}[ \t*]*$",
    re.IGNORECASE,
)

# A helpdesk's "reply above this line" banner ends the new part.
_REPLY_ABOVE = re.compile(r"reply above this line|antworten sie oberhalb", re.IGNORECASE)

# "Please see below": the forwarded part *is* the request.
_SEE_BELOW = re.compile(
    r"\b(?:(?:please )?see (?:the )?(?:e-?mail |message |note )?below|see (?:the )?(?:trail|thread)"
    r"|below (?:e-?mail|message)|siehe unten|(?:siehe|s\.) (?:die )?(?:nachricht|mail) unten"
    r"|voir (?:le message |le mail |l'e-mail )?ci-dessous|ver (?:el )?(?:correo |mensaje )?abajo"
    r"|véase abajo|zie (?:de mail |het bericht )?hieronder|vedi (?:sotto|(?:la )?mail sotto"
    r"|di seguito)|ver (?:a mensagem |o e-?mail )?abaixo|veja abaixo"
    # "the request below" wordings: nachstehend, ci-dessous, más abajo, onderstaand, qui sotto
    r"|(?:siehe )?(?:weiter )?unten(?:stehende)?|nachstehende[nr]?"
    r"|(?:la |le |les )?(?:demande|message|mail)s? ci-dessous|(?:más|mas) abajo"
    r"|(?:zie )?onderstaande?|qui sotto|sottostante|segue abaixo)\b",
    re.IGNORECASE,
)

# A greeting and nothing else ("Hi,", "Hallo Frau Weber,", "Bonjour,").
_GREETING_ONLY = re.compile(
    r"\A[ \t]*(?:hi|hello|hey|dear|good (?:morning|afternoon)|hallo|guten (?:tag|morgen)|liebe[rs]?"
    r"|sehr geehrte[rs]?|bonjour|salut|hola|buenos días|buenas|hallo|goedemorgen|goedemiddag|beste"
    r"|ciao|buongiorno|salve|olá|bom dia|boa tarde)\b(?:[ \t]+[^\s,:;!?.]{1,20}){0,3}[ \t]*[,:]?"
    r"[ \t]*\Z",
    re.IGNORECASE,
)

# Mobile and webmail footers: "Sent from my iPhone", "Gesendet von Outlook für Android", "Envoyé à
# partir de Outlook pour iOS", "Sent using the mobile mail app" ... A line of a few words without a
# comma ("Sent from my desk, which is easier" is a sentence), or Gmail's lone tracking mark.
_MOBILE_FOOTER = re.compile(
    r"^[ \t]*(?:(?:sent|gesendet|envoyé|enviado|enviada|verzonden|verstuurd|inviato)"
    r"\s+(?:from|with|using|via|von|vom|mit|de|à partir de|à partir d'|depuis|desde|con|vanaf"
    r"|vanuit|met|da|dal|dalla|do|pelo)\b[^,;\n]{0,60}"
    r"|get outlook for \w+[^,;\n]{0,30}|von meinem \w+(?: \w+)? gesendet[^,;\n]{0,30}|ᐧ)[ \t]*$",
    _FLAGS,
)
# A name signed with a leading dash ("-Abhishek Kona"), no space after the dash.
_DASH_NAME = re.compile(r"^[ \t]*-[^\W\d_][\w.'-]*(?: [^\W\d_][\w.'-]*){0,2}[ \t]*$")
# Lines that only decorate: a separator left above a quote or a footer.
_DECORATION_LINE = re.compile(r"^[ \t]*[-_=*ᐧ]{3,}[ \t]*$|^[ \t]*ᐧ[ \t]*$")

# Closing phrases after which only a name and a signature block follow.
_SIGN_OFF = re.compile(
    r"^[ \t]*(?:(?:many |thanks? (?:a lot|so much|again|in advance)|thank you(?: very much)?"
    r"(?: in advance)?|thanks|thx|ta|cheers|regards|kind regards|best regards|warm regards"
    r"|best wishes|best|rgds|sincerely|yours (?:sincerely|faithfully)|yours truly|all the best"
    r"|many thanks|much appreciated|with thanks|kr"
    r"|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grü(?:ß|ss)e|viele grü(?:ß|ss)e"
    r"|beste grü(?:ß|ss)e|liebe grü(?:ß|ss)e|schöne grü(?:ß|ss)e|gruß|gruss|grü(?:ß|ss)e"
    r"|vielen dank(?: im voraus)?|danke(?: schön)?"
    r"|besten dank|lg|mfg"
    r"|cordialement|bien cordialement|bien à vous|salutations(?: distinguées)?|merci(?: beaucoup)?"
    r"|merci d'avance|merci par avance|en vous remerciant(?: par avance)?|bonne journée"
    r"|atentamente|saludos(?: cordiales)?|un saludo|muchas gracias|gracias|un abrazo"
    r"|quedamos a la espera|cordiales saludos"
    r"|met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|groet(?:en|jes)?|alvast bedankt"
    r"|bedankt|dank(?: je| u)?(?: wel)?|dank en groet|hartelijke groet(?:en)?"
    r"|cordiali saluti|distinti saluti|saluti|grazie(?: mille)?(?: e buona giornata)?"
    r"|un saluto|buona giornata|grazie per la collaborazione"
    r"|cumprimentos|com os melhores cumprimentos|melhores cumprimentos|atenciosamente"
    r"|obrigad[oa]|muito obrigad[oa]|obrigad[oa] e bom trabalho|abraço)[ \t]*[,.!]*[ \t]*"
    r"(?:\w+[ \t]*)?$"
    r"|^[ \t]*--[ \t]*$)",
    _FLAGS,
)

# Words that make a paragraph a legal disclaimer or a list footer.
_DISCLAIMER_WORDS = re.compile(
    r"\b(?:confidential\w*|intended (?:solely |only )?for|recipient|privileged|unauthori[sz]ed"
    r"|disclaimer|unsubscribe|vertraulich\w*|empfänger|adressat|confidentiel\w*|destinataire"
    r"|confidencial\w*|destinatari[oa]s?|riservat\w*|vertrouwelijk\w*|geadresseerde"
    r"|destinatário|privacy|gdpr|rgpd|dsgvo|registered (?:office|in)|legally)\b",
    re.IGNORECASE,
)
_NOISE = re.compile(r"\[cid:[^\]]*\]|<mailto:[^>]*>|<https?://[^>]*>")
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|antw|antwort|r|rif|res|sv|vs|wg|fw|fwd|tr|rv|enc|i|fs|doorst)\s*(?:\[\d+\])?"
    r"\s*:\s*)+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Split:
    """The parts of a body: what is new, and what was quoted or forwarded below it."""

    new: str
    quoted: str
    forwarded: bool
    #: The boundary is a reply's quote (an attribution line or `>` lines), not a forwarded
    #: message or a header block: an answer may be written below it.
    reply_quote: bool = False


def clean(text: str) -> str:
    """Normalise line endings and HTML-to-text leftovers (entities, cid images, mailto links)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\xa0", " ").replace("\u200b", "")
    return _NOISE.sub("", text)


def strip_reply_prefix(subject: str) -> tuple[str, bool]:
    """Return the subject without RE:/AW:/FW: prefixes, and whether it had any."""
    stripped = _REPLY_PREFIX.sub("", subject or "")
    return stripped.strip(), stripped != (subject or "")


def split_quote(text: str) -> Split:
    """Split a cleaned body at the first quote or forward boundary."""
    lines = text.split("\n")
    quoted_after = _quoted_counts(lines)
    for index, line in enumerate(lines):
        forwarded = bool(_FORWARD_MARKER.match(line))
        attribution = bool(_WROTE.match(line) or is_attribution(lines, index))
        quote_starts = line.lstrip().startswith(">") and _rest_is_quoted(quoted_after, index)
        boundary = (
            forwarded
            or attribution
            or quote_starts
            or _SEPARATOR.match(line)
            or _NAMED_SEPARATOR.match(line)
            or _REPLY_ABOVE.search(line)
            or is_header_block(lines, index)
        )
        if boundary:
            new = "\n".join(lines[:index])
            quoted = "\n".join(lines[index:])
            return Split(
                new=new,
                quoted=quoted,
                forwarded=forwarded or _looks_forwarded(quoted),
                reply_quote=attribution or quote_starts,
            )
    return Split(new=text, quoted="", forwarded=False)


def _quoted_counts(lines: list[str]) -> list[tuple[int, int]]:
    """For each line, how many non-blank lines from it to the end there are, and how many of
    them are quoted: counted once from the end, so a long quote is read once, not once a line."""
    counts = [(0, 0)] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        filled, quoted = counts[index + 1]
        stripped = lines[index].strip()
        counts[index] = (filled + bool(stripped), quoted + stripped.startswith(">"))
    return counts


def _rest_is_quoted(quoted_after: list[tuple[int, int]], index: int) -> bool:
    """A '>' line starts the quote when most of what follows is quoted too."""
    filled, quoted = quoted_after[index]
    return quoted >= max(1, int(filled * 0.6))


def _looks_forwarded(quoted: str) -> bool:
    head = quoted[:400].lower()
    return "forward" in head or "weitergeleit" in head or "transféré" in head


def _strip_headers(quoted: str) -> str:
    """Drop the header lines of a forwarded message, keep its body."""
    lines = quoted.split("\n")
    body_start = header_length(lines)
    return "\n".join(line.lstrip("> ") for line in lines[body_start:])


def quote_head_length(lines: list[str]) -> int:
    """How many of a quoted message's first lines are its attribution line or header block."""
    if lines and _WROTE.match(lines[0]):
        return 1
    return max(is_attribution(lines, 0), header_length(lines))


def header_length(lines: list[str]) -> int:
    """How many of the first lines are a quoted message's headers (and blank lines among them)."""
    body_start = 0
    after_header = False
    for index, line in enumerate(lines[:15]):
        header = bool(re.match(r"^[ \t>*]*[\w .-]{1,20}\s?\*?:", line))
        if (
            _FORWARD_MARKER.match(line)
            or _SEPARATOR.match(line)
            or header
            or not line.strip()
            # a header wrapped onto the next line ("Subject: … / spans over 2 lines")
            or (after_header and line.startswith((" ", "\t", *"abcdefghijklmnopqrstuvwxyz")))
        ):
            after_header = bool(line.strip()) and (header or after_header)
            body_start = index + 1
            continue
        break
    return body_start


def strip_signature(text: str) -> str:
    """Cut at the sign-off, a mobile footer or a disclaimer paragraph, whichever comes first."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _MOBILE_FOOTER.match(line):
            break
        if index > 0 and kept and _SIGN_OFF.match(line) and len(line.split()) <= 7:
            break
        if index > 0 and kept and _DASH_NAME.match(line):
            break
        kept.append(line)
    while kept and (not kept[-1].strip() or _DECORATION_LINE.match(kept[-1])):
        kept.pop()  # a separator left above the quote, a footer's rule
    return _drop_disclaimers("\n".join(kept)).strip()


def _drop_disclaimers(text: str) -> str:
    paragraphs = re.split(r"\n[ \t]*\n", text)
    kept = []
    for paragraph in paragraphs:
        hits = len(_DISCLAIMER_WORDS.findall(paragraph))
        if hits >= 2 or (
            hits == 1 and re.match(r"\s*(?:disclaimer|confidential)", paragraph, re.I)
        ):
            break  # what follows a disclaimer is more footer
        kept.append(paragraph)
    return "\n\n".join(kept)


@dataclass(frozen=True, slots=True)
class Body:
    """A body read: the sender's new text, and the history quoted with it (for the thread)."""

    new: str
    #: The quoted or forwarded history the new text answers, as written (quote marks included);
    #: at most MAX_BODY_CHARS. Empty when nothing was quoted.
    quoted: str = ""


def new_text(body: str) -> str:
    """The text the sender wrote this time, without history, signature or footers."""
    return read_body(body).new


def read_body(body: str) -> Body:
    """The new text and the quoted history of a body.

    Reads at most MAX_BODY_CHARS of the body and returns at most MAX_NEW_TEXT_CHARS of new text.
    Never recursive: forwards are unwrapped a bounded number of levels, each level a shorter text.
    """
    text = clean(body[:MAX_BODY_CHARS])
    kept = ""  # a "please see below" note, kept before the forwarded request it points to
    history = ""  # the first quote met: what a reply written above or below it answers
    for _ in range(_MAX_UNWRAP):
        split = split_quote(text)
        own = strip_signature(split.new)
        if split.forwarded and _SEE_BELOW.search(own) and len(own.split()) <= 25:
            # "Please see below": the forwarded request is what we are asked to act on.
            kept, text = _joined(kept, own), _strip_headers(split.quoted)
            continue
        history = history or split.quoted
        if own and split.reply_quote and _GREETING_ONLY.match(own):
            # "Hi," above the quote and the answer under it: the greeting opens the answer.
            below = _reply_below(split.quoted)
            if below:
                kept, text = _joined(kept, own), below
                continue
        if own or not split.quoted:
            return Body(_joined(kept, own)[:MAX_NEW_TEXT_CHARS], history)
        # Nothing above the boundary: a reply written below the quote it answers, or a bare
        # forward whose inner text is the request.
        inner = _reply_below(split.quoted) if split.reply_quote else ""
        inner = inner or _strip_headers(split.quoted)
        if len(inner) >= len(text):
            break  # nothing was unwrapped: reading it again would find the same boundary
        text = inner
    return Body(kept[:MAX_NEW_TEXT_CHARS], history)


def _reply_below(quoted: str) -> str:
    """The unquoted lines written under a reply's quote (bottom-posting), without the
    attribution line above the quote."""
    lines = quoted.split("\n")
    first_quoted = next((i for i, line in enumerate(lines) if line.lstrip().startswith(">")), None)
    if first_quoted is None:
        # An attribution line with the answer straight under it, nothing quoted.
        return "\n".join(lines[_attribution_length(lines) :]).strip()
    below = [line for line in lines[first_quoted:] if not line.lstrip().startswith(">")]
    return "\n".join(below).strip()


def _attribution_length(lines: list[str]) -> int:
    return max(1, is_attribution(lines, 0))


def _joined(first: str, second: str) -> str:
    return (first + "\n\n" + second).strip()
