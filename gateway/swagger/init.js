// One Swagger UI over the four services' OpenAPI documents, all fetched through the gateway.
window.ui = SwaggerUIBundle({
  urls: [
    { name: "Auth-MS", url: "/api/v1/auth/openapi.json" },
    { name: "Patient-MS", url: "/api/v1/patients/openapi.json" },
    { name: "Doctor-MS", url: "/api/v1/doctors/openapi.json" },
    { name: "Appointment-MS (appointments and slots)", url: "/api/v1/appointments/openapi.json" },
  ],
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
  deepLinking: true,
});
