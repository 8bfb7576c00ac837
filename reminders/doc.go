// Package reminders will hold the deadline calendar, who is due a reminder,
// digest text and the cron wiring (issue 4). Today the server's housekeeping
// schedule lives here so the cron conventions are set once.
package reminders
