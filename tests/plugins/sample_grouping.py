"""A grouping rule as a third party would write one: `x.pair` files go with `x.pair.notes`."""

import os

from engine.grouping import FilesetKind, GroupingRule, Members


class PairNotesRule(GroupingRule):
    format = "Example pair"
    kind = FilesetKind.MULTI_FILE
    order = 5  # before every built-in rule

    def claim(self, unclaimed, selection):
        out = []
        for path in sorted(p for p in unclaimed if p.endswith(".pair")):
            members = Members(unclaimed, selection, path)
            members.add(path)
            members.add(path + ".notes", required=False)
            out.append(members.plan(self))
        return out


NOT_A_RULE = os.path.join
