import { registry } from "@web/core/registry";

// An agent logs into their queues from the top bar, pauses for lunch, resumes.
registry.category("web_tour.tours").add("cx_telephony_agent_state_tour", {
    steps: () => [
        {
            trigger: ".o_cx_agent_state:contains(Logged out)",
            content: "the queue state is in the top bar",
            run: "click",
        },
        {
            trigger: ".o_cx_queue_login",
            content: "log into my queues",
            run: "click",
        },
        {
            trigger: ".o_cx_agent_state:contains(Available)",
            content: "available",
            run: "click",
        },
        {
            trigger: ".o_cx_queue_pause:contains(Lunch)",
            content: "pause for lunch",
            run: "click",
        },
        {
            trigger: ".o_cx_agent_state:contains(Paused: Lunch)",
            content: "paused with the reason",
            run: "click",
        },
        {
            trigger: ".o_cx_queue_resume",
            content: "resume",
            run: "click",
        },
        {
            trigger: ".o_cx_agent_state:contains(Available)",
            content: "available again",
        },
    ],
});
