"""The (template, org) cases of the default batch over the shipped data, for parametrizing report tests."""

from __future__ import annotations

from planlib.reports import templates as tpl

DATA = tpl.DEFAULT_DATA_DIR


def report_cases() -> list[tuple[str, str]]:
    """(template, org) for every template notebook that exists and applies to a shipped organisation."""
    cases = []
    for org in tpl.known_orgs(DATA):
        data = tpl.scan_org(DATA / org)
        for name, template in tpl.TEMPLATES.items():
            if template.notebook.exists() and template.applies_to(data) and template.periods(data):
                cases.append((name, org))
    return cases
