/** The device's own HTTPS certificate: generated on first start, replaceable by the user's. */
package org.passkvm.web.tls;
