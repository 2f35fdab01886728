"""A small client of Meta's Graph API (WhatsApp Cloud API), with its errors.

Plain ``requests`` (already one of Odoo's requirements): the API is a handful
of JSON calls; Meta's own SDK for Python is not maintained for the Cloud API.
"""

import requests

# throughput (130429), pair rate (131056) and Meta's temporary errors: try later
RETRY_LATER_CODES = {130429, 131056, 131000, 1, 2, 4, 80007}
TOKEN_EXPIRED_CODES = {190}
DEFAULT_BASE_URL = "https://graph.facebook.com"


class GraphError(Exception):
    """An error answered by the Graph API (``code`` and ``details`` as Meta
    gives them), or a network failure (no code)."""

    def __init__(self, message, code=None, details=None, http_status=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details
        self.http_status = http_status

    @property
    def retry_later(self):
        return self.code in RETRY_LATER_CODES or self.code is None or (self.http_status or 0) >= 500

    @property
    def token_expired(self):
        return self.code in TOKEN_EXPIRED_CODES

    def __str__(self):
        text = f"({self.code}) {self.message}" if self.code else self.message
        return f"{text}: {self.details}" if self.details and self.details != self.message else text


class GraphClient:
    def __init__(self, token, version, base_url=DEFAULT_BASE_URL, timeout=10):
        self.token = token
        self.version = version
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout

    def request(self, method, path, payload=None, params=None):
        url = f"{self.base_url}/{self.version}/{path.lstrip('/')}"
        try:
            response = requests.request(
                method, url, json=payload, params=params, timeout=self.timeout,
                headers={"Authorization": f"Bearer {self.token}"},
            )
        except requests.RequestException as error:
            raise GraphError(f"Meta could not be reached: {error}") from error
        return self._answer(response)

    @staticmethod
    def _answer(response):
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code >= 400 or (isinstance(data, dict) and "error" in data):
            error = (data.get("error") if isinstance(data, dict) else None) or {}
            raise GraphError(
                error.get("message") or f"HTTP {response.status_code} {response.reason}",
                code=error.get("code"),
                details=(error.get("error_data") or {}).get("details"),
                http_status=response.status_code,
            )
        return data

    def upload(self, phone_number_id, filename, content, mimetype):
        """Upload a media file for sending: its Meta id."""
        url = f"{self.base_url}/{self.version}/{phone_number_id}/media"
        try:
            response = requests.post(
                url, timeout=self.timeout, headers={"Authorization": f"Bearer {self.token}"},
                data={"messaging_product": "whatsapp", "type": mimetype},
                files={"file": (filename, content, mimetype)},
            )
        except requests.RequestException as error:
            raise GraphError(f"Meta could not be reached: {error}") from error
        data = self._answer(response)
        return data["id"]

    def download(self, url, max_bytes):
        """The bytes of a media URL (with the bearer token, as Meta wants),
        refused past ``max_bytes``."""
        try:
            with requests.get(url, headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout,
                              stream=True) as response:
                if response.status_code >= 400:
                    raise GraphError(f"media download: HTTP {response.status_code}", http_status=response.status_code)
                chunks, size = [], 0
                for chunk in response.iter_content(65536):
                    size += len(chunk)
                    if size > max_bytes:
                        raise GraphError(f"media larger than {max_bytes // (1024 * 1024)} MB: not downloaded", code=-1)
                    chunks.append(chunk)
                return b"".join(chunks)
        except requests.RequestException as error:
            raise GraphError(f"media download failed: {error}") from error
