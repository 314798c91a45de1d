/** The HTTPS server every person and script talks to; one gate decides who may use which route. */
package org.passkvm.web;
