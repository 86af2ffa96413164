"""§3: the cycle review's outcome from the bands, the probation repeat, HR's override, and notes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import values


def review_outcome(ev, avg: np.ndarray, count: np.ndarray) -> dict:
    """§3: the band of the cycle average, the probation repeat, HR's override, and notes."""
    p, bands, dismissal = ev.people, ev.policy.bands, ev.policy.dismissal
    cycled = p["cycle"].to_numpy() > 0
    reviewed = cycled & ev.valid & (count > 0)

    def band_of(x):
        conditions = [(x >= b.lower) if b.inclusive else (x > b.lower) for b in bands[:-1]]
        return np.select(conditions + [np.isfinite(x)], list(range(len(bands))), -1)

    def pick(values_, band):  # values_[band], with band -1 giving the first entry
        return np.asarray(values_, object)[band + 1]

    band = np.where(reviewed, band_of(avg), -1)
    outcome = pick([""] + [b.outcome for b in bands], band)
    outcome_en = pick([""] + [b.outcome_en for b in bands], band)
    move = np.array([0] + [b.move for b in bands])[band + 1]

    month_band = band_of(ev.matrix.scores[:, 0])
    in_probation_band = np.array([False] + [b.probation for b in bands])[month_band + 1]
    until = p["probation_until"]
    on_probation = (until >= values.month_start(ev.month)).fillna(False).to_numpy(bool)
    repeat = reviewed & on_probation & in_probation_band
    outcome[repeat], outcome_en[repeat], move[repeat] = dismissal.name, dismissal.name_en, -1

    override = ev.matrix.this_month("override", None)
    by_name = {b.outcome: (b.outcome_en, b.move) for b in bands}
    by_name[dismissal.name] = (dismissal.name_en, -1)
    given = pd.notna(override) & ev.valid & cycled  # one that is no outcome holds up the review (inputs)
    overridden = given & pd.Series(override).isin(list(by_name)).to_numpy()
    for i in np.flatnonzero(overridden):
        outcome[i] = override[i]
        outcome_en[i], move[i] = by_name[outcome[i]]

    note, note_en = np.full(ev.n, "", object), np.full(ev.n, "", object)
    cases = (
        ((outcome != "") & (move > 0) & p["top"].to_numpy(bool),
         "已是最高职级，职级不变", "Already at the top rung; level unchanged"),
        ((outcome != "") & (move < 0) & p["bottom"].to_numpy(bool),
         "已是最低职级，职级不变", "Already at the bottom rung; level unchanged"),
        (cycled & ev.valid & (count == 0),
         "评审周期内没有绩效记录", "No scores on record in the review cycle"),
        (cycled & ev.valid & (count == 0) & (ev.on_rung < p["cycle"].to_numpy()),
         "本职级尚无绩效记录，暂不评审", "No scores on record on this level yet; no verdict yet"),
    )
    for mask, zh, en in cases:
        note[mask], note_en[mask] = zh, en
    with_probation = {b.outcome for b in bands if b.probation}
    return {"outcome": outcome, "outcome_en": outcome_en, "outcome_move": move,
            "outcome_probation": np.isin(outcome, list(with_probation)),
            "overridden": overridden, "outcome_note": note, "outcome_note_en": note_en}
