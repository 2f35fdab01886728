from . import (
    test_agent_state,
    test_ami_bridge,
    test_ami_tools,
    test_click_to_dial,
    test_cx_call,
    test_cx_pbx,
    test_i18n,
    test_screen_pop,
    test_security,
    test_work_item,
)
