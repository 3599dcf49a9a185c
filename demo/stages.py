"""Sales stages as each CRM ships them, with their default probabilities.

Zoho's English stages and Fxiaoke's Chinese ones are kept verbatim: the warehouse maps them
with a seed, and the demo must give it every name it will meet, lost variants included.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StageBook:
    """One CRM's stage names in funnel order, with the won and lost stages."""

    open: tuple[tuple[str, int], ...]  # (stage, probability %), in funnel order
    won: str
    lost: tuple[str, ...]
    #: Index in `open` of the stage whose entry is the customer's request for a quote.
    quote_stage: int

    def probability(self, stage: str) -> int:
        return dict(self.open).get(stage, 100 if stage == self.won else 0)


STAGES: dict[str, StageBook] = {
    "zoho": StageBook(
        open=(("Qualification", 10), ("Needs Analysis", 20), ("Value Proposition", 40),
              ("Identify Decision Makers", 60), ("Proposal/Price Quote", 75), ("Negotiation/Review", 90)),
        won="Closed Won", lost=("Closed Lost", "Closed-Lost to Competition"), quote_stage=4),
    "fxiaoke": StageBook(
        open=(("验证客户", 10), ("需求确定", 30), ("方案/报价", 60), ("谈判审核", 80)),
        won="赢单", lost=("输单",), quote_stage=2),
}
