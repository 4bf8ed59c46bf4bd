/**
 * TLS key material that changes while Bastion runs (E7): key and trust managers whose contents are swapped for new
 * connections when certificate files rotate, SPKI pinning, and the PEM parsing they share. No control, no transport.
 */
package dev.bastion.tls;
