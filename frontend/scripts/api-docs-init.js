// Starts Swagger UI on the page GET /api/docs/ answers (a file, not inline: no script in the HTML).
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: '/api/schema/',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
