"""实名制花名册 (issue 3 item 9): template, all-or-nothing row-validated import, error workbook, export."""
