"""OCR engine port and its adapters."""
