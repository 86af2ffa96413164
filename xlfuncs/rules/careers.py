"""§5: the next rung and what it still needs, then the horizontal moves."""

from __future__ import annotations

import numpy as np

from .reasons import combinations, plain


def careers(ev, eligible: np.ndarray) -> dict:
    """§5: the next rung with what it still needs, and the horizontal moves of the ladder,
    open from their rung on, else what comes first. The text follows from the rung,
    eligibility and the unmet criteria, so it is written once per distinct such triple."""
    p = ev.people
    ready = eligible.astype(bool)
    inverse, first = combinations([p["rung_row"].to_numpy(), ready, ev.valid,
                                   ev.said("eligible")[0]], ev.n)
    rung = p.iloc[first]
    ready, valid = ready[first], ev.valid[first]
    side_open = rung["side_open"].fillna(False).to_numpy(bool)
    out = {}
    for lang, en, colon, ok, opened, first_reach, sep, top in (
            ("zh", "", "：", "已符合条件", "可申请", "需先升至", "；", "已是最高职级"),
            ("en", "_en", ": ", "eligible", "open", "first reach ", "; ", "already at the top rung")):
        nxt, options = plain(rung["next_level" + en]), plain(rung["side_options" + en])
        why = np.where(ready, ok, ev.joined("eligible", lang)[first])
        up = np.where(nxt != "", nxt + colon + why, top)
        side = np.where(side_open, opened, first_reach + plain(rung["side_from" + en]))
        side = np.where(options != "", options + colon + side, "")
        text = np.where(side != "", up + sep + side, up)
        out["careers" + en] = np.where(valid, text, "").astype(object)[inverse]
    return out
