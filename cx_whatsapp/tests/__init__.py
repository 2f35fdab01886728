from . import test_conversation, test_i18n, test_sending, test_templates, test_webhook, test_webhook_tools
