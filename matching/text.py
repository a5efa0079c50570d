"""How need text and product text become search words: one normaliser for both sides, so the
database's full-text search (PostgreSQL `tsvector` with the `simple` configuration, SQLite FTS5
with the `unicode61` tokenizer) sees the same words on both databases and gives the same matches.

- Lower case, ASCII letters and digits; everything else separates words. "1:1" becomes the word
  `onetoone`, "K-12" `k12`, a few compounds are joined ("e-book" `ebook`, "Wi-Fi" `wifi`,
  "sign-on" `signon`); other hyphens separate ("social-emotional").
- Stop words are dropped; plurals are folded ("chromebooks" -> "chromebook", "libraries" ->
  "library"): a tiny stemmer, identical on both databases (Snowball on one and Porter on the
  other would not give the same results).
- A buyer's words are then read against a small table of abbreviations and synonyms ("ELA",
  "SEL", "LMS", "1:1", "iPad" ...) and of grade-band, subject, language and interoperability hints
  ("K-2", "middle school", "Spanish", "OneRoster") that become soft must-haves; an unknown word is
  corrected against the index's own vocabulary (`correct`), and words of four letters or more
  match as prefixes ("phonic" finds "phonics").

Pure: no Django.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
PREFIX_MIN = 4  # words this long or longer match as prefixes

STOP_WORDS = frozenset("""a an and any are as at be by for from in into is it its of on or our per that the
their them these this to with we us need needs want looking something program programs tool tools
solution solutions product products kids grade grades school schools use using
good best new our district software app apps class classes online curriculum""".split())

# Spellings joined before splitting into words (both documents and needs).
_JOINS = [
    (re.compile(r"\b1\s*(?::|-to-|\s+to\s+)\s*1\b"), " onetoone "),
    (re.compile(r"\bk\s*-\s*(\d{1,2})\b"), r" k\1 "),
    (re.compile(r"\bpre\s*-?\s*k\b"), " prek "),
    (re.compile(r"\b(\d{1,2})\s*-\s*(\d{1,2})\b"), r" g\1to\2 "),
    (re.compile(r"\be\s*-\s*books?\b"), " ebook "),
    (re.compile(r"\bwi\s*-\s*fi\b"), " wifi "),
    (re.compile(r"\bsign\s*-\s*on\b"), " signon "),
    (re.compile(r"\bcheck\s*-\s*ins?\b"), " checkin "),
    (re.compile(r"\bchrome\s+books?\b"), " chromebook "),
    (re.compile(r"\bsmart\s*boards?\b"), " smartboard "),
]
_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """Fold an English plural: "libraries" -> "library", "classes" -> "class", "chromebooks" ->
    "chromebook"; short words and words ending "ss", "us", "is" stay."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The normalised words of a text, in order (stop words dropped, plurals folded)."""
    text = (text or "")[:100_000].lower().replace("\x00", " ")
    for pattern, replacement in _JOINS:
        text = pattern.sub(replacement, text)
    return [stem(w) for w in _WORD.findall(text) if w not in STOP_WORDS]


def document(*parts: str) -> str:
    """The text indexed for a product: its normalised words, space-separated."""
    return " ".join(w for part in parts for w in words(part))


# A buyer's word -> what it also means (alternatives, each one or more normalised words: several
# words are a phrase). The word itself is always searched too.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "onetoone": ("chromebook", "laptop", "device"),
    "chromebook": ("chromebook",),
    "laptop": ("laptop", "notebook", "chromebook"),
    "ipad": ("ipad", "tablet"),
    "tablet": ("tablet", "ipad"),
    "ela": ("reading", "literacy", "writing", "english language art"),
    "literacy": ("reading", "literacy"),
    "reading": ("reading", "literacy"),
    "phonic": ("phonic", "decoding", "foundational reading"),
    "lms": ("learning management",),
    "sis": ("student information",),
    "sel": ("social emotional", "wellbeing"),
    "sped": ("special education", "iep"),
    "iep": ("iep", "special education"),
    "ell": ("english learner", "language development"),
    "esl": ("english learner", "language development"),
    "eld": ("english learner", "language development"),
    "mtss": ("intervention", "mtss"),
    "rti": ("intervention",),
    "stem": ("stem", "science", "engineering", "coding", "robotic"),
    "cs": ("computer science", "coding"),
    "coding": ("coding", "computer science", "programming"),
    "pd": ("professional development", "training", "coaching"),
    "smartboard": ("interactive display", "interactive flat panel"),
    "ifp": ("interactive flat panel", "interactive display"),
    "projector": ("projector", "interactive display"),
    "hotspot": ("hotspot", "connectivity"),
    "wifi": ("wireless", "wifi", "access point"),
    "math": ("math", "mathematic"),
    "maths": ("math", "mathematic"),
    "hw": ("homework",),
    "tutoring": ("tutoring", "tutor"),
    "tutor": ("tutoring", "tutor"),
    "assessment": ("assessment", "benchmark", "screener"),
    "screener": ("screener", "screening", "assessment"),
    "dyslexia": ("dyslexia", "phonic", "structured literacy"),
    "headphone": ("headphone", "headset"),
    "headset": ("headset", "headphone"),
    "filter": ("filter", "filtering"),
    "ap": ("advanced placement",),
    "apush": ("advanced placement", "history"),
    "bilingual": ("bilingual", "spanish", "dual language"),
    "sso": ("single signon", "signon", "rostering"),
    "screening": ("screener", "screening"),
    "mic": ("microphone",),
    "checkin": ("checkin", "wellbeing"),
    "signon": ("signon", "sso"),
    "ot": ("occupational therapy",),
    "slp": ("speech language", "speech therapy"),
    "speech": ("speech", "speech language"),
    "parent": ("parent", "family"),
    "family": ("family", "parent"),
    "communication": ("communication", "messaging"),
    "messaging": ("messaging", "communication"),
    "ebook": ("ebook", "digital library"),
    "audiobook": ("audiobook", "ebook"),
}

# Hints: a buyer's word -> soft must-have codes (catalog.musthaves), shown as "read as ...".
HINTS: dict[str, tuple[str, ...]] = {
    "prek": ("grade:PK",), "preschool": ("grade:PK",), "tk": ("grade:PK",),
    "k2": ("grade:K-2",), "k1": ("grade:K-2",), "k3": ("grade:K-2", "grade:3-5"),
    "kindergarten": ("grade:K-2",), "primary": ("grade:K-2",),
    "k5": ("grade:K-2", "grade:3-5"), "elementary": ("grade:K-2", "grade:3-5"),
    "g3to5": ("grade:3-5",), "g4to5": ("grade:3-5",), "g6to8": ("grade:6-8",), "middle": ("grade:6-8",),
    "g9to12": ("grade:9-12",), "high": ("grade:9-12",), "secondary": ("grade:6-8", "grade:9-12"),
    "k8": ("grade:K-2", "grade:3-5", "grade:6-8"), "kinder": ("grade:K-2",),
    "1st": ("grade:K-2",), "2nd": ("grade:K-2",), "3rd": ("grade:3-5",), "4th": ("grade:3-5",),
    "5th": ("grade:3-5",), "6th": ("grade:6-8",), "7th": ("grade:6-8",), "8th": ("grade:6-8",),
    "9th": ("grade:9-12",), "10th": ("grade:9-12",), "11th": ("grade:9-12",), "12th": ("grade:9-12",),
    "ela": ("subject:ela",), "reading": ("subject:ela",), "phonic": ("subject:ela",),
    "literacy": ("subject:ela",), "writing": ("subject:ela",),
    "math": ("subject:math",), "maths": ("subject:math",), "algebra": ("subject:math",),
    "geometry": ("subject:math",), "science": ("subject:science",), "biology": ("subject:science",),
    "chemistry": ("subject:science",), "physic": ("subject:science",),
    "history": ("subject:social_studies",), "civic": ("subject:social_studies",),
    "sel": ("subject:sel",), "sped": ("subject:sped",), "iep": ("subject:sped",),
    "cte": ("subject:cte",), "art": ("subject:arts",), "music": ("subject:arts",),
    "spanish": ("language:es",), "bilingual": ("language:es",), "vietnamese": ("language:vi",),
    "chinese": ("language:zh",), "mandarin": ("language:zh",), "arabic": ("language:ar",),
    "oneroster": ("interop:oneroster",), "lti": ("interop:lti13",), "clever": ("interop:clever",),
    "classlink": ("interop:classlink",), "edfi": ("interop:edfi",),
    "onetoone": ("kind:device",), "chromebook": ("kind:device",), "laptop": ("kind:device",),
    "ipad": ("kind:device",), "tablet": ("kind:device",),
    "accessible": ("a11y:wcag21aa",), "wcag": ("a11y:wcag21aa",), "508": ("a11y:wcag21aa",),
    "evidence": ("essa:3",), "essa": ("essa:3",), "researchbased": ("essa:3",),
}
# Words that only carry a hint: not searched as text.
HINT_ONLY = frozenset({"1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th",
                       "12th", "kinder", "prek", "tk", "k1", "k2", "k3", "k5", "k8", "g3to5", "g4to5", "g6to8",
                       "g9to12", "middle", "high", "secondary", "elementary", "primary", "accessible",
                       "wcag", "508", "evidence", "essa", "researchbased",
                       "oneroster", "lti", "clever", "classlink", "edfi"})
# Words every vocabulary knows (so they are never "corrected").
KNOWN = frozenset(SYNONYMS) | frozenset(HINTS) | frozenset(
    w for alts in SYNONYMS.values() for alt in alts for w in alt.split())


@dataclass
class Term:
    """One word of the need: its alternatives (each a tuple of words: one word, or a phrase)."""

    word: str
    alternatives: list[tuple[str, ...]]
    corrected_from: str = ""


@dataclass
class ParsedNeed:
    terms: list[Term] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)  # soft must-have codes read from the words
    notes: list[str] = field(default_factory=list)  # "read 'chromboks' as 'chromebook'"

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def key(self) -> str:
        """Order-free key of what was asked (groups unmet needs written differently)."""
        return " ".join(sorted({t.word for t in self.terms} | set(self.hints)))


def parse(text: str, *, known: Optional[Callable[[str], bool]] = None,
          vocabulary: Optional[Callable[[str], Iterable[str]]] = None) -> ParsedNeed:
    """Read a buyer's words. `known(word)` says whether the index has a word starting so;
    `vocabulary(word)` lists index words to correct an unknown word against (typos)."""
    parsed = ParsedNeed()
    seen: set[str] = set()
    text = text or ""
    if len(text) > MAX_QUERY_CHARS:  # cut at a word boundary
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
    for word in words(text):
        if word in seen:
            continue
        seen.add(word)
        for code in HINTS.get(word, ()):
            if code not in parsed.hints:
                parsed.hints.append(code)
        if word in HINT_ONLY or (word.isdigit() and len(word) < 3):
            continue
        corrected_from = ""
        if (known is not None and word not in KNOWN and len(word) >= PREFIX_MIN
                and not word.isdigit() and not known(word)):
            pool = list(KNOWN) + list(vocabulary(word) if vocabulary else [])
            close = difflib.get_close_matches(word, pool, n=1, cutoff=0.75)
            if close:
                corrected_from, word = word, close[0]
                parsed.notes.append(f"read “{corrected_from}” as “{word}”")
                for code in HINTS.get(word, ()):
                    if code not in parsed.hints:
                        parsed.hints.append(code)
        alternatives = [(word,)] + [tuple(alt.split()) for alt in SYNONYMS.get(word, ()) if alt != word]
        parsed.terms.append(Term(word=word, alternatives=list(dict.fromkeys(alternatives)),
                                 corrected_from=corrected_from))
        if len(parsed.terms) >= MAX_TERMS:
            break
    return parsed


def _alternatives(parsed: ParsedNeed) -> list[tuple[str, ...]]:
    return list(dict.fromkeys(alt for term in parsed.terms for alt in term.alternatives))


def fts5_query(parsed: ParsedNeed) -> str:
    """SQLite FTS5 MATCH expression: any alternative (OR); prefixes for long single words."""
    parts = []
    for alt in _alternatives(parsed):
        if len(alt) == 1:
            parts.append(f'"{alt[0]}"' + ("*" if len(alt[0]) >= PREFIX_MIN else ""))
        else:
            parts.append('"' + " ".join(alt) + '"')
    return " OR ".join(parts)


def tsquery(parsed: ParsedNeed) -> str:
    """PostgreSQL to_tsquery('simple', ...) expression: the same as `fts5_query`."""
    parts = []
    for alt in _alternatives(parsed):
        if len(alt) == 1:
            parts.append(alt[0] + (":*" if len(alt[0]) >= PREFIX_MIN else ""))
        else:
            parts.append("(" + " <-> ".join(alt) + ")")
    return " | ".join(parts)
