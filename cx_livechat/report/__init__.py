from . import cx_work_item_report
