"""The member statement as a PDF, with fpdf2 (pure Python, maintained, no system libraries; a
layout and table API instead of hand-written PDF bytes). The page and the PDF show the same
figures from the same `Statement`.

Fonts: the PDF's built-in Helvetica, whose character set is Latin-1; a character outside it (rare
in district and product names) is shown by its closest Latin-1 form or "?"."""

from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.fonts import FontFace

from analytics.statement import Statement
from core.formatting import long_day as day  # "July 1, 2026" (settings.EDPOOL_LONG_DATE_FORMAT)
from core.number_format import money, quantity

METHOD = (
    "How these savings are computed. Each order line priced and counted through the consortium (not "
    "cancelled) is compared with three baselines, each shown on its own and never added to another: "
    "(1) the vendor's list price; (2) buying alone: the price of the agreement's tier that the "
    "district's own quantity on the line would reach; (3) the price the district paid before, as "
    "stated when it joined the agreement or declared in a survey for the same category and kind of product - lines "
    "without one are counted as 'not known', not as $0. Saving = baseline price x quantity - "
    "amount paid + true-up rebates earned on the line (counted in the fiscal year they were "
    "earned). Amounts are exact decimals; each price x quantity is rounded to the cent, half up.")


def _t(text) -> str:
    """Text the built-in font can show (Latin-1)."""
    text = str(text).replace("\u2014", "-").replace("\u2013", "-").replace("\u2019", "'").replace("\u00a0", " ")
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        folded = unicodedata.normalize("NFKD", text)
        return "".join(c if ord(c) < 256 else ("" if unicodedata.combining(c) else "?") for c in folded)


def _pct(value) -> str:
    return "" if value is None else f" ({value}%)"


def statement_pdf(statement: Statement, *, consortium_name: str) -> bytes:
    s, t = statement, statement.totals
    pdf = FPDF(format="Letter")
    pdf.set_title(_t(f"{s.district.name}: consortium purchasing statement, {s.fiscal_year.label}"))
    pdf.set_author(_t(consortium_name))
    pdf.set_creator("EdPool")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _t(f"{s.district.name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.multi_cell(0, 6, _t(f"Purchasing through {consortium_name}: annual statement for the board, "
                            f"{s.fiscal_year.label} ({day(s.fiscal_year.start)} to {day(s.fiscal_year.end)})"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 9)
    status = "Fiscal year complete." if s.complete else f"Fiscal year in progress: figures as of {day(s.as_of)}."
    pdf.multi_cell(0, 5, _t(status), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    def heading(text: str) -> None:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, _t(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)

    def table(header: list[str], rows: list[list[str]], widths: tuple) -> None:
        bold = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
        aligns = ["LEFT"] + ["RIGHT"] * (len(header) - 1)
        with pdf.table(col_widths=widths, headings_style=bold, text_align=aligns, line_height=5) as tbl:
            for row in [header] + rows:
                r = tbl.row()
                for cell in row:
                    r.cell(_t(cell))

    heading("What the district bought")
    table(["", "Amount"], [
        ["Order lines", quantity(t.lines)], ["Units", quantity(t.quantity)], ["Paid to vendors", money(t.paid)],
        ["True-up rebates earned", money(t.rebate)], ["Net of rebates", money(t.net_paid)]], (3, 2))
    heading("What it saved, by baseline (each on its own; never added together)")
    rows = [["Against the vendors' list prices", money(t.vs_list) + _pct(t.percent("vs_list"))],
            ["Against buying alone (tier of its own quantity)", money(t.vs_alone) + _pct(t.percent("vs_alone"))]]
    if t.vs_prior is None:
        rows.append(["Against the price paid before", "not known (no prior price stated)"])
    else:
        rows.append(["Against the price paid before", f"{money(t.vs_prior)}{_pct(t.percent('vs_prior'))} on "
                     f"{t.prior_lines} of {t.saving_lines} lines; not known for the others"])
    table(["Baseline", "Saving"], rows, (3, 3))
    if s.by_agreement:
        heading("By agreement")
        table(["Agreement", "Paid", "vs list", "vs alone", "vs before"],
              [[r.label, money(r.totals.paid), money(r.totals.vs_list), money(r.totals.vs_alone),
                "not known" if r.totals.vs_prior is None else money(r.totals.vs_prior)] for r in s.by_agreement],
              (4, 1.5, 1.5, 1.5, 1.5))
    heading("Rebates")
    table(["", "Amount"], [["Earned this fiscal year", money(s.rebates_earned)],
                           ["Settled by vendors this fiscal year", money(s.rebates_settled)],
                           ["Earned less settled", money(s.rebates_outstanding)]], (3, 2))
    heading("Agreements in force and their renewal dates")
    if s.agreements:
        table(["Agreement", "Vendor", "Current term ends", "Renewals left"],
              [[f"{a.number} {a.title}", a.vendor, day(a.end_date) if a.end_date else "open-ended",
                str(a.renewals_left)] for a in s.agreements], (4, 2.5, 1.6, 1.2))
    else:
        pdf.cell(0, 6, "None in force.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, _t(METHOD), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
