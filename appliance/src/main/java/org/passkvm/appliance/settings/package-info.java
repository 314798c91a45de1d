/**
 * Declared settings: each part names its keys with their type, default, range and one-line doc; the whole file is
 * read and checked against every declaration before any part starts, and docs/configuration.md is generated from them.
 */
package org.passkvm.appliance.settings;
