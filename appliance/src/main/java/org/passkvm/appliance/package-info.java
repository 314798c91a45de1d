/** The service: reads the configuration, picks real or demo parts, wires them into the web server. */
package org.passkvm.appliance;
