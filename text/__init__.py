"""Every word a user reads: one catalogue in Chinese and English, one lookup, Beijing time, clipping."""
