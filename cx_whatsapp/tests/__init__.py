from . import (
    test_content_types,
    test_conversation,
    test_i18n,
    test_performance,
    test_routing,
    test_security,
    test_sending,
    test_templates,
    test_ticket_sla,
    test_webhook,
    test_webhook_tools,
)
