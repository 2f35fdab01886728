from . import cx_work_item_report
from . import cx_lead_source_report
