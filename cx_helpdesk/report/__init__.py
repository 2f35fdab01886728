from . import cx_lead_source_report, cx_work_item_report
