"""Reports: the 述职报告 composed from the year's records (duty/), the GB/T 9704 Word writer (gbt9704/), the
statistics workbooks (workbooks/) and the dashboards (dashboards/). Reads everything through the other apps'
selectors; writes nothing but its own drafts and report files."""
