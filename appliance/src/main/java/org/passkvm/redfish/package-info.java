/**
 * A DMTF Redfish service for the target host: service root, one ComputerSystem with its Reset
 * action, PassKVM as its Manager, and the SessionService, with Redfish's error format throughout.
 */
package org.passkvm.redfish;
