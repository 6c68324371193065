#!/usr/bin/env sh
# Writes every secret docker-compose.yml reads into a folder (default ./secrets), once: an
# existing file is kept. A private CA signs the broker's and the proxy's certificates; put
# certificates of your own CA in place of these for a public name.
#   deploy/make-secrets.sh [folder] [hostname of the proxy, default localhost]
set -eu
out=${1:-secrets}
host=${2:-localhost}
mkdir -p "$out"
chmod 700 "$out"
cd "$out"
umask 077

random() { openssl rand -hex 24; }
keep() { [ -s "$1" ]; }

keep postgres_password || random > postgres_password
keep kafka_service_password || random > kafka_service_password
keep grafana_admin_password || random > grafana_admin_password
keep pseudonym_key || random > pseudonym_key
# a Fernet key: 32 random bytes, url-safe base64
keep encryption_key || openssl rand -base64 32 | tr '+/' '-_' > encryption_key

pw=$(cat postgres_password)
for db in auth registry intake allocation monitoring portal; do
  keep "${db}_database_url" ||
    printf 'postgresql+psycopg://woonregie:%s@postgres:5432/%s\n' "$pw" "$db" > "${db}_database_url"
done

# the portal's Ed25519 key for the person tokens the services verify
keep portal_signing_key.pem || openssl genpkey -algorithm ed25519 -out portal_signing_key.pem

if ! keep kafka_ca.pem; then
  openssl req -x509 -newkey rsa:3072 -nodes -days 825 -subj "/CN=Woonregie CA" \
    -keyout kafka_ca.key -out kafka_ca.pem 2>/dev/null
fi
sign() {  # sign NAME SUBJECT-ALT-NAMES: NAME.key (PKCS#8) and NAME.pem, signed by the CA
  openssl req -newkey rsa:3072 -nodes -subj "/CN=$1" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf 'subjectAltName=%s\n' "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA kafka_ca.pem -CAkey kafka_ca.key -CAcreateserial \
    -days 825 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
if ! keep kafka_keystore.pem; then
  sign kafka "DNS:kafka,DNS:kafka-2,DNS:kafka-3"
  cat kafka.key kafka.pem > kafka_keystore.pem  # Kafka's PEM keystore: key, then chain
  rm -f kafka.key kafka.pem
fi
# the corporations' feed listener (EXTERNAL), reached by the name the corporations use
if ! keep kafka_external_keystore.pem; then
  sign kafka-external "DNS:${KAFKA_EXTERNAL_HOST:-$host}"
  cat kafka-external.key kafka-external.pem > kafka_external_keystore.pem
  rm -f kafka-external.key kafka-external.pem
fi
# one Kafka user per corporation's feed: "corporation password" lines (kafka-acls job)
if ! keep kafka_feed_users; then
  for corporation in ${FEED_CORPORATIONS:-lefier nijestee}; do
    printf '%s %s\n' "$corporation" "$(random)"
  done > kafka_feed_users
fi
if ! keep tls_certificate.pem; then
  sign proxy "DNS:$host"
  mv proxy.pem tls_certificate.pem
  mv proxy.key tls_key.pem
fi
chmod 644 ./*  # the containers' users read them; the folder itself stays private
chmod 600 kafka_ca.key kafka_ca.srl
echo "secrets in $(pwd)"
