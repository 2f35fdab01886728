"""WhatsApp Cloud API webhooks, without the ORM: signature check and payload
parsing into flat events (see the project's whatsapp-cloud-api reference).

Every level of a payload is an array (entries, changes, messages, statuses):
all elements are handled. Unknown fields and types are kept as they come,
never fatal; a payload that is not the expected shape yields no event.
"""

import hashlib
import hmac
from datetime import datetime, timezone

# a status never moves backwards; failed is final for its message
STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


def verify_signature(app_secret, raw_body, header):
    """Whether ``header`` (``X-Hub-Signature-256``) is the HMAC-SHA256 of the
    raw body with the app secret; compared in constant time."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):].strip().lower())


def status_advances(current, new):
    """Whether a message in status ``current`` may take status ``new``."""
    if current == "failed":
        return False
    return STATUS_RANK.get(new, -1) > STATUS_RANK.get(current, -1)


def _time(timestamp):
    try:
        return datetime.fromtimestamp(int(timestamp), timezone.utc).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _message_content(message):
    """``(body, extra)``: the text to show and the type's own data."""
    kind = message.get("type")
    data = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return data.get("body") or "", {}
    if kind in MEDIA_TYPES:
        return data.get("caption") or data.get("filename") or "", {
            "media_id": data.get("id"),
            "mime_type": data.get("mime_type"),
            "sha256": data.get("sha256"),
            "filename": data.get("filename"),
            "voice": bool(data.get("voice")),
        }
    if kind == "location":
        parts = [data.get("name"), data.get("address"), f"{data.get('latitude')}, {data.get('longitude')}"]
        return " - ".join(str(part) for part in parts if part), {
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
        }
    if kind == "interactive":
        reply = data.get(data.get("type") or "") or {}
        return reply.get("title") or "", {"reply_id": reply.get("id"), "reply_type": data.get("type")}
    if kind == "button":
        return data.get("text") or "", {"payload": data.get("payload")}
    if kind == "reaction":
        return data.get("emoji") or "", {"reacted_to": data.get("message_id")}
    if kind == "unsupported":
        return "", {"errors": message.get("errors") or []}
    return "", {}


def parse_payload(payload):
    """Flat events of a webhook payload (a dict), in order:

    - ``{"kind": "message", "phone_number_id", "wamid", "from", "user_id",
      "profile_name", "at", "type", "body", "extra", "context_wamid"}``
    - ``{"kind": "status", "phone_number_id", "wamid", "status", "at",
      "recipient", "errors"}``
    - ``{"kind": "template_status", "waba_id", "template_id", "template_name",
      "language", "event", "reason"}``
    - ``{"kind": "user_preferences", "phone_number_id", "wa_id", "user_id", "value"}``
    """
    events = []
    if not isinstance(payload, dict):
        return events
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                continue
            field, value = change.get("field"), change["value"]
            if field == "message_template_status_update":
                events.append({
                    "kind": "template_status",
                    "waba_id": entry.get("id"),
                    "template_id": str(value.get("message_template_id") or ""),
                    "template_name": value.get("message_template_name"),
                    "language": value.get("message_template_language"),
                    "event": value.get("event"),
                    "reason": value.get("reason"),
                })
                continue
            phone_number_id = (value.get("metadata") or {}).get("phone_number_id")
            if field == "user_preferences":
                for preference in value.get("user_preferences") or []:
                    events.append({
                        "kind": "user_preferences",
                        "phone_number_id": phone_number_id,
                        "wa_id": preference.get("wa_id"),
                        "user_id": preference.get("user_id"),
                        "value": preference.get("value"),
                    })
                continue
            if field != "messages":
                continue
            contacts = {}
            for contact in value.get("contacts") or []:
                if isinstance(contact, dict):
                    contacts[contact.get("wa_id") or contact.get("user_id")] = contact
            for message in value.get("messages") or []:
                if not isinstance(message, dict) or not message.get("id"):
                    continue
                sender = message.get("from")
                contact = contacts.get(sender) or contacts.get(message.get("from_user_id")) or {}
                body, extra = _message_content(message)
                events.append({
                    "kind": "message",
                    "phone_number_id": phone_number_id,
                    "wamid": message["id"],
                    "from": sender,
                    "user_id": message.get("from_user_id") or contact.get("user_id"),
                    "profile_name": (contact.get("profile") or {}).get("name"),
                    "at": _time(message.get("timestamp")),
                    "type": message.get("type"),
                    "body": body,
                    "extra": extra,
                    "context_wamid": (message.get("context") or {}).get("id"),
                })
            for status in value.get("statuses") or []:
                if not isinstance(status, dict) or not status.get("id"):
                    continue
                events.append({
                    "kind": "status",
                    "phone_number_id": phone_number_id,
                    "wamid": status["id"],
                    "status": status.get("status"),
                    "at": _time(status.get("timestamp")),
                    "recipient": status.get("recipient_id"),
                    "errors": status.get("errors") or [],
                })
    return events
