"""Spanish phrase bank for generated training messages (slots as in `en`)."""
# ruff: noqa: E501 -- one phrase a line reads better than wrapped strings

GREETINGS = ["Buenos días,", "Hola,", "Buenas tardes,", "Estimados señores:", "Hola buenas,", ""]
CLOSINGS = [
    "Un saludo,",
    "Saludos,",
    "Gracias,",
    "Atentamente,",
    "Muchas gracias.",
    "Saludos cordiales,",
    "",
]
FILLERS = [
    "Lo necesitamos para la conciliación.",
    "Hemos cambiado de programa de contabilidad.",
    "Es para el cierre del ejercicio.",
    "Es bastante urgente.",
    "",
]
SUBJECTS = {
    "invoice_copy": [
        "Solicitud copia factura",
        "Duplicado facturas {month}",
        "Factura {inv}",
        "Factura pendiente",
        "Facturas del mes pasado",
    ],
    "statement": ["Extracto de cuenta", "Solicitud extracto", "Relación de facturas pendientes"],
    "balance": ["Consulta saldo pendiente", "Saldo", "Importe pendiente"],
    "payment_status": [
        "Justificante de transferencia",
        "Pago factura {inv}",
        "Confirmación de pago",
    ],
    "dispute": ["Incidencia factura {inv}", "Error en factura {inv}", "Factura duplicada"],
}
REQUESTS = {
    "invoice_copy": [
        "Les escribo para solicitar copia de la factura {inv}.",
        "¿Me podéis reenviar la factura {inv}? No la encuentro.",
        "Por favor, enviadnos una copia de la factura {inv}.",
        "Necesitamos duplicado de todas las facturas emitidas en {month}.",
        "¿Podrían reenviarnos todas las facturas del mes pasado?",
        "No hemos recibido las facturas {invs}, ¿nos las pueden enviar?",
        "El PDF que nos enviasteis estaba en blanco. ¿Nos podéis reenviar la factura {inv}?",
    ],
    "statement": [
        "¿Podrían enviarnos el extracto de cuenta del trimestre pasado?",
        "Les rogamos nos envíen el extracto de nuestra cuenta con detalle de facturas y cobros.",
        "¿Nos podéis mandar una relación de las facturas que tenemos pendientes de pago?",
        "Necesitamos el extracto de nuestra cuenta a {date}.",
        "Por favor, enviadnos el extracto de cuenta actualizado.",
    ],
    "balance": [
        "¿Nos podrían indicar el importe total pendiente de pago a fecha de hoy?",
        "¿Cuánto os debemos ahora mismo?",
        "¿Cuál es el saldo vencido de nuestra cuenta?",
        "Por favor, indíquennos el saldo pendiente y el desglose de lo vencido.",
    ],
    "payment_status": [
        "Adjuntamos justificante de la transferencia que liquida las facturas {invs}.",
        "¿Os ha llegado ya la transferencia de la factura {inv}?",
        "Hemos pagado la factura {inv} el {date}. ¿Pueden confirmar la recepción?",
        "Les agradeceríamos que nos confirmen la recepción del pago de {amount}.",
        "¿Han recibido nuestro pago de la factura {inv}? Lo transferimos la semana pasada.",
        "¿Nos confirman si ya está aplicado el pago de la factura {inv}?",
        "Quisiéramos saber si les ha llegado el pago de las facturas {invs}.",
    ],
    "dispute": [
        "Hemos revisado la factura {inv} y las cantidades no coinciden con el albarán. Os pedimos una factura rectificativa.",
        "En la factura {inv} nos cobráis portes no acordados. Por favor, emitid un abono.",
        "El precio de la factura {inv} no corresponde con el pedido. La factura queda retenida.",
        "Nos habéis facturado dos veces el mismo servicio: {invs}.",
    ],
}
AUTO_REPLIES = [
    (
        "Respuesta automática: {subject}",
        "Estoy fuera de la oficina hasta el {date} con acceso limitado al correo.",
    ),
    (
        "Respuesta automática: {subject}",
        "Gracias por su mensaje. Me encuentro de vacaciones hasta el {date}.",
    ),
    (
        "Fuera de la oficina",
        "Estaré ausente hasta el {date}. Para asuntos urgentes contacte con administracion@example.es.",
    ),
    ("No entregado: {subject}", "No se ha podido entregar el mensaje a los destinatarios."),
    ("Leído: {subject}", "Su mensaje fue leído el {date}."),
]
OTHERS = [
    (
        "Alta de proveedor – documentación",
        "Para dar de alta su empresa como proveedor necesitamos el certificado de titularidad bancaria.",
    ),
    ("Cambio de cuenta bancaria", "Les informamos de que hemos cambiado nuestra cuenta bancaria."),
    ("Solicitud de presupuesto", "¿Nos podrían enviar un presupuesto para 100 unidades?"),
    (
        "Nueva dirección de facturación",
        "A partir del {date} envíen las facturas a facturas@example.es.",
    ),
    ("Certificado de Hacienda", "Necesitamos su certificado de estar al corriente con Hacienda."),
]
