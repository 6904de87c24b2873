"""What the browser tests do on the app's page: ask, read the chat, the table and the status line."""

from __future__ import annotations

BOTS = '#chat [data-testid="bot"]'


def bot_messages(page) -> list[str]:
    return [m.inner_text() for m in page.query_selector_all(BOTS)]


def ask(page, text: str, plots: bool = True) -> str:
    """Type a message, wait for the assistant's answer (and, with ``plots``, the flow figure); return it."""
    before = len(page.query_selector_all(BOTS))
    page.fill("#msg textarea", text)
    page.press("#msg textarea", "Enter")
    # the answer has arrived when the box is cleared (an output of the same event) and a reply shows
    page.wait_for_function(
        "n => document.querySelector('#msg textarea').value === ''"
        f" && document.querySelectorAll('{BOTS}').length > n", arg=before)
    if plots:
        page.wait_for_selector("#sankey .js-plotly-plot", state="attached")
    return page.query_selector_all(BOTS)[-1].inner_text()


def open_tab(page, name: str, exact: bool = False) -> None:
    page.get_by_role("tab", name=name, exact=exact).click()


def table_column(page, col: int) -> list[str]:
    """The rendered cells of one column of the examples table."""
    page.wait_for_selector("#examples [data-testid='cell-0-0']")
    cells = page.query_selector_all(f"#examples [role='gridcell'][data-col='{col}']")
    return [c.inner_text().strip() for c in cells]


def status(page) -> str:
    return page.inner_text("#status")
