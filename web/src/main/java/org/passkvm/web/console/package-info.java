/** The browser console's files, bundled in the jar so it works with no internet. */
package org.passkvm.web.console;
