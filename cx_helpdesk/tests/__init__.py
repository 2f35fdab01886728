from . import (
    test_business_hours,
    test_escalation,
    test_i18n,
    test_mail_gateway,
    test_performance,
    test_portal,
    test_routing,
    test_security,
    test_sla,
    test_ui,
    test_work_item,
)
