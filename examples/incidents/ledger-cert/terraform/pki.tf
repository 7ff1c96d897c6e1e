resource "tls_private_key" "internal_ca" {
  algorithm = "ECDSA"
}

resource "tls_self_signed_cert" "internal_ca" {
  private_key_pem       = tls_private_key.internal_ca.private_key_pem
  is_ca_certificate     = true
  validity_period_hours = 87600
  allowed_uses          = ["cert_signing", "crl_signing"]

  subject {
    common_name = "acme internal CA"
  }
}

resource "tls_private_key" "ledger" {
  algorithm = "ECDSA"
}

resource "tls_cert_request" "ledger" {
  private_key_pem = tls_private_key.ledger.private_key_pem
  dns_names       = ["ledger.internal"]

  subject {
    common_name = "ledger.internal"
  }
}

resource "tls_locally_signed_cert" "ledger" {
  cert_request_pem      = tls_cert_request.ledger.cert_request_pem
  ca_private_key_pem    = tls_private_key.internal_ca.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.internal_ca.cert_pem
  validity_period_hours = 8760
  allowed_uses          = ["server_auth", "digital_signature"]
}
