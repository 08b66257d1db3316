"""Stage 5: how firmly a claim is presented — hedging level 0–3 and the markers found.

After Hyland's hedges and boosters and FactBank's certainty scale (ANNOTATION.md
"Hedging level"):

* the cue sets a base level: emphatic cues (أكد، شدد) 0 ``boosted``; plain reports 1
  ``neutral``; tentative cues (توقع، رجح، قدر، استبعد) 2 ``hedged``; opinion, allegation
  and accusation cues (رأى، اعتبر، زعم، اتهم) 3 ``speculative``;
* a hedge (``data/hedges.tsv``) in the content that scopes over the claim raises the
  level to at least 2 — and beats a booster, so a boosted cue with a hedge is 2;
  an opinion cue with a hedge stays 3;
* a booster in the content makes a neutral claim 0 when no hedge is present.

Scope: a marker inside a relative clause (after الذي/التي… in the same clause) or
inside a noun phrase (its head chain reaches an ``acl`` or ``nmod`` arc before the
content's root) does not hedge the claim. قد counts only before an imperfect verb;
يمكن only with أن (يمكن الدخول is ability, not possibility).

Not handled: negated cues other than لم/لا يستبعد, conditional clauses, hedges
expressed by the source phrase (مصادر غير مؤكدة).
"""
from __future__ import annotations

from .frame_words import COMMAS, COMP_RE, RELATIVES
from .frames import Frame
from .units import Unit
from .lexicon import load
from .normalize import strip_conjunction
from .records import HEDGING_NAMES
from .treebank import Sent

BASE_LEVEL = {"assert": 0, "say": 1, "reveal": 1, "deny": 1, "according_to": 1, "impersonal": 1,
              "predict": 2, "opinion": 3, "allege": 3, "accuse": 3}
IMPERFECT_PREFIXES = ("ي", "ت", "ن", "ا")


def _match(units: list[Unit], k: int, end: int, phrase: tuple[str, ...]) -> int | None:
    """Units matched by ``phrase`` at ``k``, within units[:end] ("*" = any one word), else None."""
    j = k
    for part in phrase:
        if j >= end or units[j].punct:
            return None
        norm = units[j].norm
        if part != "*" and norm != part and not (j == k and strip_conjunction(norm) == part):
            if not (part == "ان" and COMP_RE.match(norm)):
                return None
        j += 1
    return j - k


def _in_relative_clause(units: list[Unit], a: int, k: int) -> bool:
    """Is unit ``k`` inside a relative clause opened after the last clause boundary?"""
    for m in range(k - 1, a - 1, -1):
        u = units[m]
        if u.punct and u.norm in COMMAS:
            return False
        if strip_conjunction(u.norm) in RELATIVES:
            return True
    return False


def _qad_ok(sent: Sent, units: list[Unit], k: int) -> bool:
    """قد hedges only before an imperfect verb (قد أكد = "has indeed confirmed")."""
    if k + 1 >= len(units) or units[k + 1].punct:
        return False
    w = sent.words[units[k + 1].first]
    if w.feat("Aspect") == "Perf" or w.feat("Tense") == "Past":
        return False
    if w.feat("Aspect") == "Imp":
        return True
    return units[k + 1].norm.startswith(IMPERFECT_PREFIXES)


def grade(sent: Sent, units: list[Unit], frame: Frame, cue_class: str, text: str) -> tuple[int, list[str], list[str]]:
    """(hedging_level, hedge_cues as written, evidence lines) for a confirmed frame."""
    base = BASE_LEVEL.get(cue_class, 1)
    ev = [f"cue class {cue_class} → base level {base} ({HEDGING_NAMES[base]})"]
    c0, c1 = frame.content_span
    idx = [k for k, u in enumerate(units) if u.start >= c0 and u.end <= c1]
    hedges: list[str] = []
    boosters: list[str] = []
    if idx:
        a, b = idx[0], idx[-1] + 1
        k = a
        while k < b:
            if units[k].punct:
                k += 1
                continue
            hit = None
            for phrase, kind in load().hedges:
                n = _match(units, k, b, phrase)
                if n:
                    hit = (phrase, kind, n)
                    break
            if not hit:
                k += 1
                continue
            phrase, kind, n = hit
            written = text[units[k].start:units[k + n - 1].end]
            if phrase == ("قد",) and not _qad_ok(sent, units, k):
                ev.append(f"«{written}» before a past verb: not a hedge")
            elif _in_relative_clause(units, a, k):
                ev.append(f"«{written}» is inside a relative clause: does not hedge the claim")
            elif kind == "hedge":
                hedges.append(written)
            else:
                boosters.append(written)
            k += n
    level = base
    if hedges:
        level = 3 if base == 3 else 2
        ev.append(f"hedge {', '.join('«%s»' % h for h in hedges)} → level {level} (a hedge beats a booster)")
    elif boosters and base == 1:
        level = 0
        ev.append(f"booster {', '.join('«%s»' % h for h in boosters)} → level 0")
    return level, hedges + boosters, ev
