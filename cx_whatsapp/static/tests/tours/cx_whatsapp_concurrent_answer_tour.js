import { registry } from "@web/core/registry";

// Another agent answers the customer while this one is typing: sending is
// refused with who answered, their answer shows in the chatter, the draft is
// still in the composer, and sending it again (having read) goes out.
registry.category("web_tour.tours").add("cx_whatsapp_concurrent_answer_tour", {
    steps: () => [
        {
            trigger: ".o-mail-Message-body:contains(Do you deliver to Jeddah)",
            content: "the customer's question, in the chatter",
        },
        {
            trigger: ".o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Yes, in two days",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            content: "meanwhile Agent One answers (the test posts it on this call), then send",
            async run() {
                const id = Number(window.location.pathname.split("/").pop());
                await fetch("/web/dataset/call_kw/cx.whatsapp.conversation/action_mark_read", {
                    method: "POST",
                    headers: { "Content-Type": "application/json" },
                    body: JSON.stringify({
                        jsonrpc: "2.0",
                        method: "call",
                        params: {
                            model: "cx.whatsapp.conversation",
                            method: "action_mark_read",
                            args: [[id]],
                            kwargs: {},
                        },
                    }),
                });
                // send at once, in the same task: the other answer, pushed by
                // the bus a moment later, must not reach the chatter first
                // (the agent would then have seen it, and nothing is refused)
                document.querySelector(".o-mail-Composer-send").click();
            },
        },
        {
            trigger: ".modal-body:contains(Agent One answered this customer)",
            content: "told before anything goes out",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".o-mail-Message-body:contains(We deliver everywhere in the Kingdom)",
            content: "the other agent's answer, to read",
        },
        {
            trigger: ".o-mail-Composer-input",
            content: "the draft is kept",
            run() {
                const input = document.querySelector(".o-mail-Composer-input");
                if (!input.value.includes("Yes, in two days")) {
                    throw new Error(`the draft is lost: "${input.value}"`);
                }
            },
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            content: "having read it, send again",
            run: "click",
        },
        {
            trigger: ".o-mail-Message-body:contains(Yes, in two days)",
            content: "sent",
        },
    ],
});
