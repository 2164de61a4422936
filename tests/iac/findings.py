"""What an IaC run found wrong, and the verdict: pass, fail, or fail only on gaps another change is closing.

A run collects :class:`Findings`: *causes* (an error Terraform or Ansible reported, a call vpcsim did not serve, drift
on re-plan, a false ``assert_*`` output) and *consequences* (what a failed destroy left behind). ``judge`` passes when
there are none and raises ``AssertionError`` naming every one otherwise, except in one case: when the test declares
:class:`Pending` gaps and every cause mentions one of them, it raises :class:`PendingGap` instead. A test marked
``pending.mark`` (``xfail(strict=True, raises=PendingGap)``) therefore

- xfails while exactly those gaps remain,
- fails as usual on anything else (a new error, drift, an unserved call not declared), and
- fails as XPASS the day the gaps close, so the marker is removed then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest


class PendingGap(AssertionError):
    """Every cause of failure is a declared pending gap."""


@dataclass(frozen=True)
class Pending:
    """Gaps another change is closing: ``why`` (the exact missing operations or behaviour, for the xfail reason)
    and ``signs``, regular expressions (operation names, error phrases) by which a cause is recognised as one."""

    why: str
    signs: tuple[str, ...]

    @property
    def mark(self) -> pytest.MarkDecorator:
        return pytest.mark.xfail(strict=True, raises=PendingGap, reason=self.why)

    def explains(self, cause: str) -> bool:
        return any(re.search(sign, cause) for sign in self.signs)


NOTHING_PENDING = Pending("", ())


@dataclass
class Findings:
    causes: list[str] = field(default_factory=list)
    consequences: list[str] = field(default_factory=list)

    def cause(self, *texts: str) -> None:
        self.causes.extend(texts)

    def consequence(self, text: str) -> None:
        self.consequences.append(text)

    def judge(self, title: str, pending: Pending = NOTHING_PENDING) -> None:
        if not self.causes and not self.consequences:
            return
        report = f"[{title}]\n" + "\n\n".join([*self.causes, *self.consequences])
        if self.causes and all(pending.explains(cause) for cause in self.causes):
            raise PendingGap(f"only pending gaps ({pending.why}):\n{report}")
        raise AssertionError(report)


def pending(*gaps: Pending) -> Pending:
    """Several pending gaps as one."""
    return Pending("; ".join(g.why for g in gaps), tuple(s for g in gaps for s in g.signs))
