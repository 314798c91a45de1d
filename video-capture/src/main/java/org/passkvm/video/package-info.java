/** The target's screen: where frames come from and the states a source can be in. */
package org.passkvm.video;
