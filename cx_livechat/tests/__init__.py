from . import test_channel_contract, test_i18n, test_livechat_session, test_security, test_work_item
