"""The shells that turn results into something to read or keep: plain-text summaries of a
forecast, a plan and a measured photo, the HTML report, plots, the iCalendar file, a
render's picture files, and the rules for writing files safely."""
