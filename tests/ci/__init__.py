"""CI and regression-guard tests: workflows, the scope snapshot, links, anchors, pre-commit."""
