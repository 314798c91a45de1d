/** The mouse jiggler: keeps the target's screensaver and idle lock away with moves no one sees. */
package org.passkvm.hid.jiggle;
