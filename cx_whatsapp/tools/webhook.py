"""WhatsApp Cloud API webhooks, without the ORM: signature check and payload
parsing into flat events (see the project's whatsapp-cloud-api reference).

Every level of a payload is an array (entries, changes, messages, statuses):
all elements are handled. Unknown fields and types are kept as they come,
never fatal; a payload that is not the expected shape yields no event.
"""

import hashlib
import hmac
import json
from datetime import datetime, timezone

try:
    from babel.languages import get_territory_language_info
except ImportError:
    get_territory_language_info = None

# a status never moves backwards; failed is final for its message
STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
REFERRAL_KEYS = (
    "headline", "body", "source_url", "source_type", "source_id", "media_type", "image_url", "video_url",
    "thumbnail_url", "ctwa_clid",
)
# the Arab League: Arabic first, whatever else is official there
ARABIC_COUNTRIES = {
    "AE", "BH", "DJ", "DZ", "EG", "IQ", "JO", "KM", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA", "SA", "SD",
    "SO", "SY", "TN", "YE",
}


def secret_matches(expected, given):
    """Whether ``given`` is the secret ``expected``, compared in constant
    time (an empty secret never matches)."""
    if not expected or not isinstance(given, str):
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


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


def _code(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _errors(errors):
    """Meta's errors, flat: ``[{code, title, message, details}]``."""
    result = []
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict):
            result.append({
                "code": _code(error.get("code")),
                "title": error.get("title"),
                "message": error.get("message"),
                "details": (error.get("error_data") or {}).get("details"),
            })
    return result


def _shared_contacts(contacts):
    """The vCards a customer shared, with what Odoo keeps of them."""
    result = []
    for contact in contacts if isinstance(contacts, list) else []:
        if not isinstance(contact, dict):
            continue
        name = contact.get("name") or {}
        org = contact.get("org") or {}
        result.append({
            "name": name.get("formatted_name")
            or " ".join(part for part in (name.get("first_name"), name.get("last_name")) if part),
            "first_name": name.get("first_name"),
            "last_name": name.get("last_name"),
            "phones": [
                {"phone": phone.get("phone"), "wa_id": phone.get("wa_id"), "type": phone.get("type")}
                for phone in contact.get("phones") or [] if isinstance(phone, dict)
            ],
            "emails": [
                {"email": email.get("email"), "type": email.get("type")}
                for email in contact.get("emails") or [] if isinstance(email, dict) and email.get("email")
            ],
            "company": org.get("company"),
            "title": org.get("title"),
        })
    return result


def _flow_response(raw):
    """A Flow's answer (``response_json``, a JSON string) as a dict; what is
    not JSON is kept as it came."""
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {"response_json": raw}
    return value if isinstance(value, dict) else {"response": value}


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
        if data.get("type") == "nfm_reply":
            reply = data.get("nfm_reply") or {}
            return reply.get("body") or reply.get("name") or "", {
                "reply_type": "nfm_reply",
                "flow_name": reply.get("name"),
                "flow_response": _flow_response(reply.get("response_json")),
            }
        reply = data.get(data.get("type") or "") or {}
        return reply.get("title") or "", {"reply_id": reply.get("id"), "reply_type": data.get("type")}
    if kind == "button":
        return data.get("text") or "", {"payload": data.get("payload")}
    if kind == "reaction":
        return data.get("emoji") or "", {"reacted_to": data.get("message_id")}
    if kind == "contacts":
        contacts = _shared_contacts(message.get("contacts"))
        return ", ".join(contact["name"] for contact in contacts if contact["name"]), {"contacts": contacts}
    if kind == "order":
        order = message.get("order") if isinstance(message.get("order"), dict) else {}
        items = [
            {
                "product_retailer_id": item.get("product_retailer_id"),
                "quantity": item.get("quantity"),
                "item_price": item.get("item_price"),
                "currency": item.get("currency"),
            }
            for item in order.get("product_items") or [] if isinstance(item, dict)
        ]
        return order.get("text") or "", {"catalog_id": order.get("catalog_id"), "items": items}
    if kind == "system":
        return data.get("body") or "", {
            "system_type": data.get("type"),
            "new_wa_id": data.get("new_wa_id") or data.get("wa_id"),
            "customer": data.get("customer"),
            "identity": data.get("identity"),
        }
    # unsupported, and the types this parser does not know yet: Meta's
    # errors and the message as it came, for the agent
    errors = _errors(message.get("errors"))
    return (errors[0]["title"] or errors[0]["message"] or "") if errors else "", {"errors": errors, "raw": message}


def _referral(message):
    referral = message.get("referral")
    if not isinstance(referral, dict):
        return None
    return {key: referral.get(key) for key in REFERRAL_KEYS if referral.get(key) is not None}


def _sender(message):
    """The customer's number: ``from``, or for a system message (an identity
    or number change may come without ``from``) the customer it names."""
    if message.get("from"):
        return message["from"]
    system = message.get("system") if isinstance(message.get("system"), dict) else {}
    return system.get("customer") or system.get("wa_id") or None


def _pricing(pricing):
    if not isinstance(pricing, dict):
        return None
    return {
        "billable": pricing.get("billable"),
        "pricing_model": pricing.get("pricing_model"),
        "category": pricing.get("category"),
        "type": pricing.get("type"),
    }


def _conversation(conversation):
    if not isinstance(conversation, dict):
        return None
    return {
        "id": conversation.get("id"),
        "origin": (conversation.get("origin") or {}).get("type"),
        "expires_at": _time(conversation.get("expiration_timestamp")) if conversation.get("expiration_timestamp") else None,
    }


def country_language(country_code, installed):
    """The language to talk to a customer of ``country_code`` in, among the
    ``installed`` language codes (Odoo's, e.g. ``ar_001``): the country's
    official languages (Arabic first in Arab countries), the most spoken
    first; the country's own variant (``fr_CA``) before the generic
    one (``ar_001``, ``fr_FR``). None when none is installed."""
    if not country_code:
        return None
    country_code = country_code.upper()
    spoken = get_territory_language_info(country_code) if get_territory_language_info else {}
    official = {"official": 0, "de_facto_official": 0, "official_regional": 1}
    languages = sorted(
        (lang for lang in spoken if spoken[lang].get("official_status") in official),
        key=lambda lang: (official[spoken[lang]["official_status"]], -(spoken[lang].get("population_percent") or 0)))
    if not languages and spoken:  # no official language: the most spoken
        languages = [max(spoken, key=lambda lang: spoken[lang].get("population_percent") or 0)]
    if country_code in ARABIC_COUNTRIES:
        languages = ["ar"] + [lang for lang in languages if lang != "ar"]
    installed = sorted(installed)
    for lang in languages:
        lang = lang.split("_")[0]
        if f"{lang}_{country_code}" in installed:
            return f"{lang}_{country_code}"
        variants = [code for code in installed if code == lang or code.split("_")[0].split("@")[0] == lang]
        if variants:
            # the generic variant (ar_001, es_419) or the language's home (fr_FR), else the first
            for code in variants:
                if code.split("_")[-1].isdigit() or code == f"{lang}_{lang.upper()}":
                    return code
            return variants[0]
    return None


def parse_payload(payload):
    """Flat events of a webhook payload (a dict), in order:

    - ``{"kind": "message", "phone_number_id", "wamid", "from", "user_id",
      "profile_name", "at", "type", "body", "extra", "context_wamid",
      "referral"}``: ``from`` may be None (an identity change); ``referral``
      is the click-to-WhatsApp ad the message came from, or None
    - ``{"kind": "status", "phone_number_id", "wamid", "status", "at",
      "recipient", "errors", "pricing", "conversation"}``: ``pricing``
      ``{billable, pricing_model, category, type}`` and ``conversation``
      ``{id, origin, expires_at}``, each or None
    - ``{"kind": "error", "phone_number_id", "errors"}``: errors Meta sent
      for the whole change (``value.errors``), with no message to hang on
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
            if value.get("errors"):
                events.append({"kind": "error", "phone_number_id": phone_number_id, "errors": _errors(value["errors"])})
            for message in value.get("messages") or []:
                if not isinstance(message, dict) or not message.get("id"):
                    continue
                sender = _sender(message)
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
                    "referral": _referral(message),
                })
                referred = (message.get("context") or {}).get("referred_product")
                if isinstance(referred, dict):
                    events[-1]["extra"] = dict(events[-1]["extra"], referred_product=referred)
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
                    "pricing": _pricing(status.get("pricing")),
                    "conversation": _conversation(status.get("conversation")),
                })
    return events
