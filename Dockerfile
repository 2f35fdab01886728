# The CX suite on the official Odoo 19 image: our Python requirements and the
# cx_* addons in /mnt/extra-addons. Used by docker-compose.yml.
FROM odoo:19.0

USER root
COPY requirements.txt /tmp/cx-requirements.txt
# The image's Python is Debian/Ubuntu's: pip needs --break-system-packages to
# add our pins next to the system packages Odoo already uses.
RUN pip3 install --no-cache-dir --break-system-packages -r /tmp/cx-requirements.txt \
    && rm /tmp/cx-requirements.txt
COPY --chown=odoo:odoo . /mnt/extra-addons/
COPY --chmod=755 docker/odoo/cx-init.sh /usr/local/bin/cx-init
USER odoo
