// Package jobs runs netfolio's scheduled work with gocron: figures snapshots, monthly
// commitment purchases, exchange rates, reminders and backups.
package jobs
