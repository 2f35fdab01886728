from . import (
    test_content_types,
    test_conversation,
    test_i18n,
    test_security,
    test_sending,
    test_templates,
    test_ui,
    test_webhook,
    test_webhook_tools,
    test_work_item,
)
