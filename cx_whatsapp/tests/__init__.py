from . import test_i18n, test_webhook, test_webhook_tools
