from . import (
    chatbot_script_step,
    cx_livechat_session,
    cx_ticket,
    discuss_channel,
    im_livechat_channel,
    res_partner,
)
