package dev.bastion.egress;

/**
 * The egress policy refused a destination. Carries the class of the refused address, never the address:
 * the message may reach a client, and the address a name resolved to is the network's business.
 */
public final class EgressDenied extends RuntimeException {
    private final AddressClass addressClass;

    EgressDenied(AddressClass addressClass) {
        super("egress_denied: " + addressClass.label() + " address", null, false, false);
        this.addressClass = addressClass;
    }

    public AddressClass addressClass() {
        return addressClass;
    }
}
