"""事业单位登记: the office's own register of where every public institution stands in the registration process
(the registration itself happens in the national online system): registrations and certificates, filings for
设立 / 变更 / 注销 with their legal deadlines, and annual reports. Rules and sources: domain.md §3."""
