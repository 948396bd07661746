"""Channel adapters the job runner sends through: SMTP email and NCP SENS SMS (Telegram is the bot's)."""
