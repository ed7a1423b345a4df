"""Checks run on every journey page: it fits the viewport, and axe-core finds nothing serious.

axe-core is vendored from the npm registry (static/vendor/axe-core/, with its licence) and
injected into the page under test; the pages themselves never load it.
"""

from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
# Loaded from the page's own origin: the Content-Security-Policy allows scripts from 'self' only.
AXE_URL = "/static/vendor/axe-core/axe.min.js"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
FAILING_IMPACTS = {"serious", "critical"}


def horizontal_overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def overflowing_elements(page, limit: int = 5) -> list[str]:
    """The widest elements sticking out of the viewport, to say *what* does not fit."""
    return page.evaluate(
        """(limit) => {
          const width = window.innerWidth;
          const found = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 1 && box.width > 0) {
              const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.className && typeof el.className === 'string'
                   ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
              found.push(`${name} (right=${Math.round(box.right)})`);
            }
          }
          return found.slice(0, limit);
        }""",
        limit,
    )


def axe_violations(page) -> list[dict]:
    """Run axe-core (every rule, best practices included) on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        origin = page.evaluate("() => window.location.origin")
        page.add_script_tag(url=origin + AXE_URL)
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
          }));
        }"""
    )


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} — {', '.join(v['targets'])}" for v in violations
    )


def audit_page(page, label: str, viewport: dict) -> list[str]:
    """Problems found on the current page (empty when it passes); moderate findings printed."""
    problems = []
    if viewport["width"] <= PHONE["width"]:
        overflow = horizontal_overflow(page)
        if overflow:
            problems.append(
                f"{label} @{viewport['width']}px: {overflow}px wider than the viewport: "
                + "; ".join(overflowing_elements(page))
            )
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if others:
        print(f"axe (not failing) {label} @{viewport['width']}px:\n{describe(others)}")
    if blocking:
        problems.append(f"{label} @{viewport['width']}px axe:\n{describe(blocking)}")
    return problems
